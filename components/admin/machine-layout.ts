import type { MachineEdge } from "@/machines/order-diagram";

// Lays out the order machine for an SVG drawing, from its own definition:
// top-level states are columns (left to right as defined), a compound
// state's children stack inside its box. Every transition gets a number;
// those between two different boxes are drawn as arrows, the rest (a state
// handling an event in place, or a compound state sending to its own child)
// are numbered badges on the box. The numbers key into a table of events.

export type StateInfo = { id: string; parent: string | null; leaf: boolean };
export type Box = { id: string; label: string; x: number; y: number; width: number; height: number; leaf: boolean; depth: number };
export type Arrow = { d: string; badge: { x: number; y: number }; numbers: number[] };
export type Badge = { x: number; y: number; numbers: number[] };
export type NumberedEdge = MachineEdge & { number: number };
export type MachineLayout = { width: number; height: number; boxes: Box[]; arrows: Arrow[]; badges: Badge[]; edges: NumberedEdge[] };

const COLUMN = 210;
const GAP = 190;
const HEADER = 44;
const ROW = 72;
const NODE = 50;
const PAD = 14;
const MARGIN = 24;

const right = (b: Box) => b.x + b.width;
const middle = (b: Box) => b.y + (b.leaf ? b.height / 2 : HEADER / 2);

export function layoutMachine(states: StateInfo[], machineEdges: MachineEdge[]): MachineLayout {
  const boxes = new Map<string, Box>();
  const top = states.filter((s) => s.parent === null);
  top.forEach((state, column) => {
    const x = MARGIN + column * (COLUMN + GAP);
    const children = states.filter((s) => s.parent === state.id);
    if (state.leaf) {
      boxes.set(state.id, {
        id: state.id,
        label: state.id,
        x,
        y: MARGIN + HEADER + PAD,
        width: COLUMN - 2 * PAD,
        height: NODE,
        leaf: true,
        depth: 0,
      });
      return;
    }
    boxes.set(state.id, {
      id: state.id,
      label: state.id,
      x,
      y: MARGIN,
      width: COLUMN,
      height: HEADER + children.length * ROW + PAD,
      leaf: false,
      depth: 0,
    });
    children.forEach((child, row) => {
      boxes.set(child.id, {
        id: child.id,
        label: child.id.split(".").pop() ?? child.id,
        x: x + PAD,
        y: MARGIN + HEADER + row * ROW + (ROW - NODE) / 2,
        width: COLUMN - 2 * PAD,
        height: NODE,
        leaf: child.leaf,
        depth: 1,
      });
    });
  });

  const edges = machineEdges.map((edge, i) => ({ ...edge, number: i + 1 }));
  const grouped = new Map<string, NumberedEdge[]>();
  for (const edge of edges) {
    const key = `${edge.from}→${edge.to}`;
    grouped.set(key, [...(grouped.get(key) ?? []), edge]);
  }

  const arrows: Arrow[] = [];
  const badges: Badge[] = [];
  const badgesOn = new Map<string, number>();
  let fan = 0;
  // The machine's own transitions (taken in any state, staying there): badges in the picture's top-right corner.
  const anyState: number[][] = [];
  for (const group of grouped.values()) {
    const numbers = group.map((e) => e.number);
    const from = boxes.get(group[0]!.from);
    const to = boxes.get(group[0]!.to);
    if (!from && group[0]!.from === group[0]!.to && !states.some((s) => s.id === group[0]!.from)) anyState.push(numbers);
    if (!from || !to) continue;
    const inside = to.id.startsWith(`${from.id}.`);
    if (from === to || inside) {
      // Handled in place, or by the compound state for its own children: a badge on the box.
      const onThisBox = badgesOn.get(from.id) ?? 0;
      badgesOn.set(from.id, onThisBox + 1);
      // A state's own badge sits on its top edge (its count is on the right); a group's, under its title bar's right end.
      badges.push(
        from.leaf
          ? { x: right(from) - 18 - onThisBox * 30, y: from.y, numbers }
          : { x: right(from) - 16, y: from.y + 14 + onThisBox * 22, numbers },
      );
      continue;
    }
    const sameColumn = Math.abs(from.x - to.x) < COLUMN / 2;
    if (sameColumn) {
      // An arc beside the column: downwards on the right, upwards on the left.
      const down = middle(to) > middle(from);
      const side = down ? Math.max(right(from), right(to)) : Math.min(from.x, to.x);
      const bulge = (down ? 1 : -1) * (26 + Math.abs(middle(to) - middle(from)) / 6);
      const y1 = middle(from) + (down ? 6 : -6);
      const y2 = middle(to) + (down ? -6 : 6);
      const cx = side + bulge * 1.6;
      arrows.push({
        d: `M ${side} ${y1} C ${cx} ${y1}, ${cx} ${y2}, ${side} ${y2}`,
        badge: { x: side + bulge * 1.2, y: (y1 + y2) / 2 },
        numbers,
      });
      continue;
    }
    const forward = to.x > from.x;
    const x1 = forward ? right(from) : from.x;
    const x2 = forward ? to.x : right(to);
    // Spread arrows leaving one box so they do not overlap at the start.
    const y1 = middle(from) + ((fan++ % 5) - 2) * 5;
    const y2 = middle(to);
    const dx = (x2 - x1) / 2;
    arrows.push({
      d: `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`,
      badge: { x: x1 + dx + (forward ? -dx / 3 : dx / 3), y: y1 + (y2 - y1) * 0.26 },
      numbers,
    });
  }

  const all = [...boxes.values()];
  const width = Math.max(...all.map(right)) + MARGIN + 60;
  const height = Math.max(...all.map((b) => b.y + b.height)) + MARGIN;
  anyState.forEach((numbers, i) => badges.push({ x: width - 48 - i * 50, y: MARGIN / 2, numbers }));
  return { width, height, boxes: all, arrows, badges, edges };
}
