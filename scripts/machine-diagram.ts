// npm run docs:machine – regenerate the order machine diagram in docs/ARCHITECTURE.md
import { readFileSync, writeFileSync } from "node:fs";
import { orderMachineMermaid } from "@/machines/order-diagram";

const file = "docs/ARCHITECTURE.md";
const start = "<!-- machine-diagram:start -->";
const end = "<!-- machine-diagram:end -->";
const doc = readFileSync(file, "utf8");
const block = `${start}\n\`\`\`mermaid\n${orderMachineMermaid()}\n\`\`\`\n${end}`;
const next = doc.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block);
writeFileSync(file, next);
console.log(next === doc ? "diagram already current" : "diagram updated");
