type OrnamentKind =
  "magnifier" | "moon" | "planet" | "heart" | "columns" | "waves" | "leaf" | "portrait" | "sun" | "eye" | "circles" | "diamond";

const rules: { kind: OrnamentKind; words: string[] }[] = [
  { kind: "planet", words: ["science fiction", "sci-fi", "scifi", "space", "dystop"] },
  { kind: "magnifier", words: ["mystery", "crime", "detective", "thriller", "suspense", "noir"] },
  { kind: "moon", words: ["fantasy", "myth", "fairy", "magic"] },
  { kind: "heart", words: ["romance", "love"] },
  { kind: "columns", words: ["history", "historical", "classic", "politic"] },
  { kind: "waves", words: ["poetry", "poem", "verse", "travel", "sea"] },
  { kind: "leaf", words: ["science", "nature", "cook", "food", "garden", "health"] },
  { kind: "portrait", words: ["biography", "memoir", "autobiography", "essay"] },
  { kind: "sun", words: ["children", "kids", "young", "picture", "humor", "humour", "self-help"] },
  { kind: "eye", words: ["horror", "gothic", "ghost", "supernatural"] },
  { kind: "circles", words: ["philosophy", "religion", "psychology", "art", "business", "economics"] },
];

export function ornamentFor(genre: string): OrnamentKind {
  const g = genre.toLowerCase();
  return rules.find((rule) => rule.words.some((word) => g.includes(word)))?.kind ?? "diamond";
}

type OrnamentProps = { genre: string; color: string; cx: number; cy: number };

/** A small genre-dependent line drawing, about 64 units wide, centred on (cx, cy). */
export function CoverOrnament({ genre, color, cx, cy }: OrnamentProps) {
  const stroke = { stroke: color, strokeWidth: 2.5, fill: "none", strokeLinecap: "round", strokeLinejoin: "round" } as const;
  const kind = ornamentFor(genre);
  return (
    <g transform={`translate(${cx} ${cy})`} {...stroke}>
      {kind === "magnifier" && (
        <>
          <circle cx={-6} cy={-6} r={16} />
          <path d="M6 6 L22 22" strokeWidth={5} />
        </>
      )}
      {kind === "moon" && (
        <>
          <path d="M6 -22 A22 22 0 1 0 6 22 A17 17 0 1 1 6 -22 Z" fill={color} fillOpacity={0.25} />
          <path d="M22 -14 l0 8 M18 -10 l8 0 M26 10 l0 6 M23 13 l6 0" />
        </>
      )}
      {kind === "planet" && (
        <>
          <circle r={15} fill={color} fillOpacity={0.25} />
          <ellipse rx={32} ry={9} transform="rotate(-18)" />
          <circle cx={26} cy={-20} r={1.5} fill={color} />
          <circle cx={-28} cy={18} r={1.5} fill={color} />
        </>
      )}
      {kind === "heart" && <path d="M0 18 C-24 2 -22 -18 -8 -18 C-3 -18 0 -14 0 -10 C0 -14 3 -18 8 -18 C22 -18 24 2 0 18 Z" />}
      {kind === "columns" && (
        <>
          <path d="M-28 -20 H28 M-30 22 H30 M-24 -24 H24" />
          <path d="M-18 -16 V18 M-6 -16 V18 M6 -16 V18 M18 -16 V18" />
        </>
      )}
      {kind === "waves" && (
        <path d="M-30 -10 q7.5 -8 15 0 t15 0 t15 0 t15 0 M-30 2 q7.5 -8 15 0 t15 0 t15 0 t15 0 M-30 14 q7.5 -8 15 0 t15 0 t15 0 t15 0" />
      )}
      {kind === "leaf" && (
        <>
          <path d="M-20 20 C-24 -8 -4 -22 22 -22 C22 4 8 22 -20 20 Z" fill={color} fillOpacity={0.2} />
          <path d="M-20 20 L10 -10 M-6 6 L-6 -6 M2 -2 L12 -2" />
        </>
      )}
      {kind === "portrait" && (
        <>
          <circle r={26} />
          <circle cy={-6} r={8} />
          <path d="M-14 18 C-12 6 12 6 14 18" />
        </>
      )}
      {kind === "sun" && (
        <>
          <circle r={11} fill={color} fillOpacity={0.25} />
          <path d="M0 -26 V-18 M0 18 V26 M-26 0 H-18 M18 0 H26 M-18 -18 L-13 -13 M13 13 L18 18 M18 -18 L13 -13 M-13 13 L-18 18" />
        </>
      )}
      {kind === "eye" && (
        <>
          <path d="M-30 0 Q0 -24 30 0 Q0 24 -30 0 Z" />
          <circle r={7} fill={color} />
        </>
      )}
      {kind === "circles" && (
        <>
          <circle r={24} />
          <circle r={15} />
          <circle r={5} fill={color} />
        </>
      )}
      {kind === "diamond" && (
        <>
          <path d="M-34 0 H-14 M14 0 H34" />
          <path d="M0 -12 L12 0 L0 12 L-12 0 Z" fill={color} fillOpacity={0.3} />
          <circle cx={-38} r={1.5} fill={color} />
          <circle cx={38} r={1.5} fill={color} />
        </>
      )}
    </g>
  );
}
