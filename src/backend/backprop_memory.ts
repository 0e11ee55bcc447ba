/**
 * Frees memory during backpropagation as soon as it is no longer needed, as PyTorch's autograd does.
 *
 * tfjs keeps, until the whole backward pass ends, every tensor the forward pass saved for it and the
 * gradient of every intermediate tensor. For a deep network that doubles the peak: ResNet50 at 224×224
 * needs ~145 MB of saved activations per image and as much again in gradients. Once the node that
 * produced a tensor has passed its gradients on, neither that tensor's gradient nor the node's saved
 * tensors are read again, so they are disposed then — one node later, when the next node's gradient is
 * asked for (by then the engine has run every gradient function of the node before).
 *
 * Gradients are unchanged: only when each buffer is freed changes. Higher-order gradients (a backward
 * pass recorded on a tape) keep tfjs' behaviour.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

type GradientMap = Record<string, () => tf.Tensor>;
interface TapeNode {
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => GradientMap;
}
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  addTapeNode(...args: unknown[]): void;
}

const INSTALLED = Symbol.for("mtlgraph.backpropMemory");
let enabled = true;

/** Turns the early release on or off (on once installed; tests compare both). */
export function setBackpropEarlyRelease(on: boolean): void {
  enabled = on;
  if (!on) pending = undefined;
}

/** Tensors of the node processed last, to free once the engine moves on. */
let pending: { tensors: tf.Tensor[]; keep: Set<tf.Tensor> } | undefined;
/** The tape of the backward pass under way: a new one means a new pass. */
let passTape: TapeNode[] | null = null;

function releasePending(): void {
  if (!pending) return;
  for (const t of pending.tensors) if (!pending.keep.has(t)) t.dispose();
  pending = undefined;
}

/** Wraps a tape node's gradient function so that its dys and saved tensors are freed one node later. */
function wrapGradient(node: TapeNode, engine: EngineInternals): void {
  const gradient = node.gradient;
  if (!gradient) return;
  node.gradient = (dys) => {
    // Higher-order gradients record this backward pass: keep everything, as tfjs does.
    if (!enabled || engine.state.gradientDepth > 0) return gradient(dys);
    releasePending();
    const map = gradient(dys);
    const given = dys.filter((t): t is tf.Tensor => t !== null);
    // The first node of a pass gets the seed gradient, which may be the caller's own tensor (tf.grad's dy).
    const first = engine.state.activeTape !== passTape;
    passTape = engine.state.activeTape;
    const keep = new Set<tf.Tensor>(first ? given : []);
    const tensors = [...given, ...(node.saved ?? [])];
    pending = { tensors, keep };
    const wrapped: GradientMap = {};
    for (const [name, thunk] of Object.entries(map)) {
      wrapped[name] = () => {
        const dx = thunk();
        keep.add(dx); // a gradient function may pass dy (or a saved tensor) straight through
        return dx;
      };
    }
    return wrapped;
  };
}

/**
 * Frees `t` with the node whose gradient is being computed, unless a gradient function returns it: for a
 * gradient computed early by another input's gradient function (kept out of that function's tidy).
 * Returns false when early release is not under way (then the caller must not rely on it).
 */
export function releaseWithNode(t: tf.Tensor): boolean {
  if (!enabled || !pending) return false;
  pending.tensors.push(t);
  return true;
}

/** Installs the early release in tfjs' engine (once per process; idempotent). */
export function releaseBackpropMemoryEarly(): void {
  const engine = tf.engine() as unknown as EngineInternals & { [INSTALLED]?: true };
  if (engine[INSTALLED]) return;
  engine[INSTALLED] = true;
  const addTapeNode = engine.addTapeNode.bind(engine);
  engine.addTapeNode = (...args: unknown[]) => {
    addTapeNode(...args);
    const tape = engine.state.activeTape;
    if (tape?.length) wrapGradient(tape[tape.length - 1], engine);
  };
}
