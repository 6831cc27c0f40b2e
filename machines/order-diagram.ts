import { orderMachine } from "./order-machine";

// Draws the order machine from its own definition (no hand-drawn diagrams):
// a Mermaid state diagram, and a plain list of edges for other renderers.

type Node = {
  key: string;
  id: string;
  type: string;
  states: Record<string, Node>;
  transitions: Map<string, { target?: { id: string }[]; guard?: Guard }[]>;
};
// A named guard, or xstate's and() over several (a function carrying its guards).
type Guard = { type?: string; guards?: Guard[] };

const guardLabel = (guard: Guard | undefined): string | null => {
  if (!guard) return null;
  if (guard.type) return guard.type;
  const parts = (guard.guards ?? []).map(guardLabel).filter((g): g is string => g !== null);
  return parts.length ? parts.join(" && ") : null;
};

export type MachineEdge = { from: string; event: string; to: string; guard: string | null };

const short = (id: string) => id.replace(/^order\./, "");
const mermaidId = (id: string) => short(id).replace(/\./g, "_");

export function machineEdges(): MachineEdge[] {
  const edges: MachineEdge[] = [];
  const visit = (node: Node) => {
    for (const [event, transitions] of node.transitions) {
      for (const t of transitions) {
        const target = t.target?.[0]?.id ?? node.id;
        edges.push({ from: short(node.id), event, to: short(target), guard: guardLabel(t.guard) });
      }
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(orderMachine.root as unknown as Node);
  return edges;
}

export function machineStates(): { id: string; parent: string | null; leaf: boolean }[] {
  const out: { id: string; parent: string | null; leaf: boolean }[] = [];
  const visit = (node: Node, parent: string | null) => {
    for (const child of Object.values(node.states)) {
      out.push({ id: short(child.id), parent, leaf: Object.keys(child.states).length === 0 });
      visit(child, short(child.id));
    }
  };
  visit(orderMachine.root as unknown as Node, null);
  return out;
}

export function orderMachineMermaid(): string {
  const lines = ["stateDiagram-v2", "  [*] --> new"];
  const states = machineStates();
  const render = (parent: string | null, indent: string) => {
    for (const state of states.filter((s) => s.parent === parent)) {
      if (state.leaf) {
        lines.push(`${indent}state "${state.id.split(".").pop()}" as ${mermaidId(state.id)}`);
      } else {
        lines.push(`${indent}state ${mermaidId(state.id)} {`);
        render(state.id, `${indent}  `);
        lines.push(`${indent}}`);
      }
    }
  };
  render(null, "  ");
  // Events the machine takes in every state (its own top-level transitions, e.g. a dispute's news).
  if (machineEdges().some((edge) => edge.from === "order")) lines.push(`  state "any state" as order`);
  for (const edge of machineEdges()) {
    const label = edge.guard ? `${edge.event} [${edge.guard}]` : edge.event;
    lines.push(`  ${mermaidId(edge.from)} --> ${mermaidId(edge.to)}: ${label}`);
  }
  return lines.join("\n");
}
