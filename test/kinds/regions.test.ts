import { describe, expect, it } from 'vitest';
import { findPlaces } from '../../src/rules/places.js';
import { canonicalCity, resolveRegion } from '../../src/rules/regions.js';

const MAP = {
  east: ['上海', '江苏', '浙江', 'Anhui'],
  south: ['广东', 'Guangxi'],
  sz: ['深圳'],
  gba: ['粤港澳大湾区'],
};

describe('resolveRegion: province/city names → our regions', () => {
  it.each([
    ['广东省广州市番禺区', 'south', '广州'],
    ['广东省深圳市南山区', 'sz', '深圳'], // a city the map names wins over its province
    ['Shenzhen', 'sz', '深圳'],
    ['Suzhou, Jiangsu', 'east', '苏州'],
    ['江苏省苏州市', 'east', '苏州'],
    ['苏州工业园区某学校', 'east', '苏州'], // a city alone falls into its province's region
    ['安徽省合肥市', 'east', '合肥'], // the map wrote the province in English
    ['广西壮族自治区南宁市', 'south', '南宁'],
    ['GUANGZHOU', 'south', '广州'],
    ['上海某公司广州分公司', 'east', '上海'], // earliest place in the text
    ['中山市人民医院', 'south', '中山'],
    ['粤港澳大湾区某项目', 'gba', '粤港澳大湾区'], // a word the map uses that is no city
  ])('%s → %s', (text, region, place) => {
    expect(resolveRegion([text], MAP)).toEqual({ region, place });
  });

  it.each([
    ['北京市海淀区'], // a place, but in no region of ours
    ['复旦大学附属中山医院'], // 中山 as a hospital name is not the city
    ['某某大学'],
    [''],
  ])('%s → no region', (text) => {
    expect(resolveRegion([text], MAP).region).toBeNull();
  });

  it('tries texts in order of trust: region field, then buyer, then title', () => {
    expect(resolveRegion([null, '杭州市西湖区档案馆', '广州某项目'], MAP).region).toBe('east');
    expect(resolveRegion(['北京市', '杭州市西湖区档案馆'], MAP).region).toBe('east');
  });

  it('reads Latin names on word boundaries only', () => {
    expect(findPlaces('Chinese Academy')).toEqual([]);
    expect(findPlaces("Xi'an office").map((p) => p.province)).toEqual(['陕西']);
  });
});

describe('canonicalCity', () => {
  it.each([
    ['Shenzhen', '深圳'],
    ['深圳市南山区', '深圳'],
    ['广东省广州市', '广州'],
    ['上海', '上海'],
    ['Remote', 'Remote'],
    ['  ', null],
  ])('%s → %s', (text, city) => {
    expect(canonicalCity(text)).toBe(city);
  });
});
