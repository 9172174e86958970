// The extraction Crawlee and the floor do, matching the agent's target file field for field:
// each `.product` → key @data-sku, name `.title`, price `.price` (to a number), url `.title a@href`.

const clean = (s) => s.replace(/[\s\u00a0\u3000]+/g, ' ').trim();

export function extractListing($, pageUrl) {
  const out = [];
  $('.product').each((_i, el) => {
    const item = $(el);
    const priceText = clean(item.find('.price').first().text());
    const href = item.find('.title a').first().attr('href');
    out.push({
      key: item.attr('data-sku') ?? null,
      name: clean(item.find('.title').first().text()) || null,
      price: priceText ? Number(priceText.replace(/[^\d.]/g, '')) : null,
      url: href ? new URL(href, pageUrl).href : null,
    });
  });
  return out;
}
