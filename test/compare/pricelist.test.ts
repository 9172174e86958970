import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { loadPriceList, ourPriceIn } from '../../src/compare/pricelist.js';
import { rules } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'radar-pricelist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const owners = ownersSchema.parse({
  regions: {
    east: { name: '华东', name_en: 'East China', owners: ['e@example.com'] },
    south: { name: '华南', owners: ['s@example.com'] },
  },
});

function write(name: string, text: string | Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('our price list', () => {
  it('reads Chinese headers in any order, with per-region prices and "not sold there"', async () => {
    const f = write(
      'zh.csv',
      '\uFEFF品类,商品编码,型号,商品名称,华南价,指导价,华东价,品牌,条码\n' +
        '空调,R-1,KFR-35GW/R1,Radar 空调 KFR-35GW/R1,"2,399",¥2599,2499,Radar,6901234567892\n' +
        '除湿机,R-2,DH-20R,Radar 除湿机,-,1199,,Radar,\n',
    );
    const list = await loadPriceList(f, rules(), owners);
    expect(list.problems).toEqual([]);
    expect(list.products).toHaveLength(2);
    const [a, b] = list.products;
    expect(a).toMatchObject({ sku: 'R-1', model: 'KFR-35GW/R1', category: '空调', brand: 'Radar', gtin: '6901234567892', listPrice: 2599, currency: 'CNY', regionPrices: { east: 2499, south: 2399 } });
    expect(ourPriceIn(b!, 'east')).toBe(1199); // empty region cell: the list price
    expect(ourPriceIn(b!, 'south')).toBeNull(); // "-": not sold there
  });

  it('reports each bad row with file:line and the column, and keeps the good rows', async () => {
    const f = write(
      'bad.csv',
      [
        '商品编码,商品名称,型号,指导价,华东价', // line 1
        'R-1,Radar 空调 A,KFR-35GW/R1,2599,2499', // 2
        'R-2,Radar 空调 B,KFR-26GW/R1,待定,2199', // 3: list price is not a price
        ',Radar 空调 C,KFR-50LW/R1,4799,', // 4: no SKU
        '', // 5: blank
        'R-4,Radar 空调 D,KFR-72LW/R1,7399,abc', // 6: region price is not a price
        'R-1,Radar 空调 A again,KFR-35GW/R1,2599,2499', // 7: duplicate SKU
        'R-5,Radar 空调 E,KFR-72LW/R2,7599,7499', // 8
      ].join('\n'),
    );
    const list = await loadPriceList(f, rules(), owners);
    expect(list.products.map((p) => p.sku)).toEqual(['R-1', 'R-5']);
    const shown = list.problems.map((p) => `${p.where.replace(dir + '/', '')}: ${p.message}`);
    expect(shown).toEqual([
      'bad.csv:3: list_price (指导价): "待定" is not a price',
      'bad.csv:4: sku (商品编码): empty',
      'bad.csv:6: east (华东价): "abc" is not a price (leave it empty for the list price, or "-" if not sold there)',
      'bad.csv:7: sku (商品编码): duplicate SKU "R-1" (first on ' + join(dir, 'bad.csv') + ':2)',
    ]);
  });

  it('reads a GBK export from Chinese Excel, and headers mapped in rules', async () => {
    const f = write('gbk.csv', iconv.encode('物料号,品名,统一零售价,华东区域价\nR-9,Radar 取暖器,399,379\n', 'gbk'));
    const r = rules({ price_list: { columns: { sku: '物料号', list_price: '统一零售价' }, region_columns: { east: '华东区域价' } } });
    const list = await loadPriceList(f, r, owners);
    expect(list.problems).toEqual([]);
    expect(list.products.map((p) => [p.sku, p.name, p.listPrice, p.regionPrices.east])).toEqual([['R-9', 'Radar 取暖器', 399, 379]]);
  });

  it('reads XLSX with numeric cells and a title row above the header', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('价目表');
    ws.addRow(['2026 年 11 月价目表']);
    ws.addRow(['SKU', 'Name', 'Model', 'List price', 'price_south']);
    ws.addRow(['R-1', 'Radar AC', 'KFR-35GW/R1', 2599, 2399.5]);
    ws.addRow(['R-2', 'Radar AC 2', 'KFR-26GW/R1', 'n/a?', null]);
    const f = join(dir, 'list.xlsx');
    await wb.xlsx.writeFile(f);
    const list = await loadPriceList(f, rules(), owners);
    expect(list.products.map((p) => [p.sku, p.listPrice, p.regionPrices.south])).toEqual([['R-1', 2599, 2399.5]]);
    expect(list.problems.map((p) => p.where.replace(dir + '/', ''))).toEqual(['list.xlsx:4']);
  });

  it('names what is missing when no header row is found', async () => {
    const f = write('nohead.csv', 'a,b,c\n1,2,3\n');
    await expect(loadPriceList(f, rules(), owners)).rejects.toThrow(/no header row with sku, list_price .*price_list\.columns in rules\/compare\.yaml/);
  });
});
