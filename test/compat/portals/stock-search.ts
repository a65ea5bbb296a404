/**
 * A stock site shaped like the one head_examples_extract_price_stockanalysis.json was recorded
 * on: a header search whose suggestions appear as links while typing, and a quote page.
 */
export const STOCKS = {
  AAPL: { name: 'Apple Inc.', price: '231.45' },
  APLE: { name: 'Apple Hospitality REIT, Inc.', price: '14.02' },
  MSFT: { name: 'Microsoft Corporation', price: '415.10' },
} as const;

const search = `<!doctype html><title>Stock Analysis</title>
<header><label>Search <input id="search-header" placeholder="Company or stock symbol..." autocomplete="off"></label></header>
<main><h1>Stock Analysis</h1><ul id="suggestions" aria-label="Suggestions"></ul></main>
<script>
  const stocks = ${JSON.stringify(STOCKS)};
  const list = document.getElementById('suggestions');
  document.getElementById('search-header').addEventListener('input', (event) => {
    const q = event.target.value.trim().toUpperCase();
    list.innerHTML = '';
    // Suggestions come after a short delay, as a real search-as-you-type box does.
    setTimeout(() => {
      for (const [symbol, stock] of Object.entries(stocks)) {
        // Loose on purpose, like real suggestion boxes: everything that starts with the same letter.
        if (!q || !(symbol[0] === q[0] || stock.name.toUpperCase().startsWith(q[0]))) continue;
        const item = document.createElement('li');
        item.innerHTML = '<a href="/stocks/' + symbol.toLowerCase() + '/">' + stock.name + ' <small>' + symbol + '</small></a>';
        list.append(item);
      }
    }, 150);
  });
</script>`;

function quote(symbol: keyof typeof STOCKS): string {
  const stock = STOCKS[symbol];
  return `<!doctype html><title>${stock.name} (${symbol}) Stock Price</title>
<main><h1>${stock.name} (${symbol})</h1><p>NASDAQ: ${symbol} · Real-Time Price · USD</p>
<div><strong>${stock.price}</strong> <span>+1.02 (0.44%)</span></div><p>At close: Dec 3, 2026, 4:00 PM EST</p></main>`;
}

export const stockPages: Record<string, string> = {
  '/': search,
  ...Object.fromEntries(Object.keys(STOCKS).map((symbol) => [`/stocks/${symbol.toLowerCase()}/`, quote(symbol as keyof typeof STOCKS)])),
};
