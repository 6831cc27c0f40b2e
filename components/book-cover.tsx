import { CoverOrnament } from "./cover-ornament";

type BookCoverProps = { title: string; author: string; genre: string; size: "sm" | "lg" };

// Cover colour pairs: background, text, ornament accent. Each keeps strong text contrast.
const palettes = [
  { bg: "#1f4e5f", fg: "#f4ead5", accent: "#e0b36a" },
  { bg: "#7a2e2a", fg: "#f6e8d8", accent: "#e7b98a" },
  { bg: "#2f4a34", fg: "#efe6cf", accent: "#c9a75b" },
  { bg: "#3b3a5a", fg: "#ede6f2", accent: "#c6a9d8" },
  { bg: "#e9dcc3", fg: "#3a2c24", accent: "#9b4a2f" },
  { bg: "#c9d6cf", fg: "#1f3b33", accent: "#7a4f2a" },
  { bg: "#5b3b53", fg: "#f5e3ec", accent: "#e2a3bf" },
  { bg: "#203040", fg: "#f0e2c0", accent: "#d98e4a" },
  { bg: "#d8b26e", fg: "#2d2418", accent: "#7b2d26" },
  { bg: "#8a4b2f", fg: "#fbeee0", accent: "#f1c27d" },
] as const;

const dimensions = { sm: { width: 120, height: 180 }, lg: { width: 240, height: 360 } } as const;

// Drawn on a 240x360 canvas; the small size is the same drawing scaled down.
const W = 240;
const H = 360;
const serif = "'Iowan Old Style', 'Palatino Linotype', Palatino, Georgia, serif";

/** FNV-1a: a small, stable string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitLongWord(word: string, max: number): string[] {
  if (word.length <= max) return [word];
  const parts: string[] = [];
  for (let i = 0; i < word.length; i += max - 1) {
    const rest = word.length - i;
    parts.push(rest <= max ? word.slice(i) : `${word.slice(i, i + max - 1)}-`);
    if (rest <= max) break;
  }
  return parts;
}

export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = "";
  const words = text
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((word) => splitLongWord(word, maxChars));
  for (const word of words) {
    if (!line) line = word;
    else if (line.length + 1 + word.length <= maxChars) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

const titleLayouts = [
  { fontSize: 26, maxChars: 13, maxLines: 4 },
  { fontSize: 21, maxChars: 16, maxLines: 5 },
  { fontSize: 18, maxChars: 19, maxLines: 6 },
] as const;

export function layoutTitle(title: string): { fontSize: number; lines: string[] } {
  for (const layout of titleLayouts) {
    const lines = wrapText(title, layout.maxChars);
    if (lines.length <= layout.maxLines) return { fontSize: layout.fontSize, lines };
  }
  const last = titleLayouts[titleLayouts.length - 1] ?? titleLayouts[0];
  const lines = wrapText(title, last.maxChars).slice(0, last.maxLines);
  const end = lines.length - 1;
  lines[end] = truncate(`${lines[end] ?? ""}…`, last.maxChars);
  return { fontSize: last.fontSize, lines };
}

/** A generated, deterministic book cover: no network images. */
export function BookCover({ title, author, genre, size }: BookCoverProps) {
  const { width, height } = dimensions[size];
  const palette = palettes[hash(title) % palettes.length] ?? palettes[0];
  const { fontSize, lines } = layoutTitle(title || "Untitled");
  const lineHeight = fontSize * 1.18;
  const titleCenter = 128;
  const firstBaseline = titleCenter - (lines.length * lineHeight) / 2 + fontSize * 0.82;

  return (
    <svg
      role="img"
      aria-label={`Cover of ${title} by ${author}`}
      width={width}
      height={height}
      viewBox={`0 0 ${W} ${H}`}
      className="block h-auto max-w-full rounded-sm shadow-md"
    >
      <rect width={W} height={H} fill={palette.bg} />
      <rect width={10} height={H} fill="#000" fillOpacity={0.14} />
      <rect x={10} width={2} height={H} fill="#fff" fillOpacity={0.12} />
      <rect x={24} y={18} width={W - 36} height={H - 36} fill="none" stroke={palette.fg} strokeOpacity={0.45} />
      <text x={126} y={firstBaseline} textAnchor="middle" fill={palette.fg} fontFamily={serif} fontSize={fontSize} fontWeight={700}>
        {lines.map((line, i) => (
          <tspan key={i} x={126} dy={i === 0 ? 0 : lineHeight}>
            {line}
          </tspan>
        ))}
      </text>
      <CoverOrnament genre={genre} color={palette.accent} cx={126} cy={250} />
      <line x1={86} x2={166} y1={296} y2={296} stroke={palette.fg} strokeOpacity={0.4} />
      <text x={126} y={322} textAnchor="middle" fill={palette.fg} fontFamily={serif} fontSize={15} fontStyle="italic">
        {truncate(author, 24)}
      </text>
    </svg>
  );
}
