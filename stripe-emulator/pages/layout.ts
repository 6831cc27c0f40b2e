// Shared HTML pieces: escaping, money formatting and the page shell with its
// small stylesheet (no external assets, so the pages work offline).

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

// Currencies without minor units (Stripe's zero-decimal list, common ones).
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

export function formatMoney(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency.toLowerCase()) ? amount : amount / 100;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(major);
  } catch {
    return `${major.toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").slice(0, 19);
}

const css = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f8fa}
main{max-width:960px;margin:0 auto;padding:24px}
a{color:#4b44d6}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;background:#ffe8cc;color:#8a4b00}
.checkout{display:grid;grid-template-columns:1fr 1fr;gap:32px;max-width:900px}
@media (max-width:760px){.checkout{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:8px;padding:20px;margin-bottom:16px}
.total{font-size:28px;font-weight:700;margin:4px 0 16px}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e8ee;vertical-align:top}
th{font-weight:600;color:#4f566b;background:#fafbfc}
td.num,th.num{text-align:right}
label{display:block;font-size:13px;font-weight:600;color:#4f566b;margin:10px 0 4px}
input[type=text],input[type=email],input[type=tel],select{width:100%;padding:9px 10px;font:inherit;border:1px solid #8792a2;border-radius:6px;background:#fff;color:inherit}
input:focus,button:focus,select:focus,a:focus{outline:2px solid #635bff;outline-offset:1px}
input[aria-invalid=true],select[aria-invalid=true]{border-color:#a4161a}
fieldset.group{border:0;border-top:1px solid #e3e8ee;margin:0 0 8px;padding:12px 0 4px}
fieldset.group:first-of-type{border-top:0;padding-top:0}
legend{font-size:16px;font-weight:700;padding:0;margin-bottom:2px}
div.group{border-top:1px solid #e3e8ee;padding:12px 0 4px;margin-bottom:8px}
.field-error{color:#a4161a;font-size:13px;margin:4px 0 0}
.optional{font-weight:400;color:#5e6878}
.option{display:flex;gap:8px;align-items:baseline;padding:6px 0}
.option input{margin:0}
.option label{display:flex;flex-wrap:wrap;gap:4px 8px;margin:0;font-size:15px;font-weight:400;color:#1a1f36;flex:1}
.option label strong{margin-left:auto}
.inline{display:flex;gap:8px}
.inline input{flex:1}
.applied{margin:4px 0;display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px}
.group ~ #payment,section.pay + section.pay{border-top:1px solid #e3e8ee;padding-top:8px}
section.pay h2{margin-top:12px}
#payment > section.pay:first-child h2{margin-top:4px}
tr.grand th,tr.grand td{border-top:2px solid #cfd7df}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
button{font:inherit;font-weight:600;border:0;border-radius:6px;padding:10px 16px;cursor:pointer;background:#635bff;color:#fff}
button.secondary{background:#fff;color:#1a1f36;border:1px solid #cfd7df}
button.pay-button{width:100%;margin-top:16px}
button.small{padding:4px 10px;font-size:13px}
.error{background:#fff0f0;border:1px solid #f5c2c2;color:#a4161a;border-radius:6px;padding:10px 12px;margin-bottom:16px}
.hint{font-size:12px;color:#5e6878;margin:4px 0 0}
code{font-size:12px}
.small{font-size:12px;color:#5e6878}
`;

export function page(title: string, body: string, head = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css}</style>
${head}
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}
