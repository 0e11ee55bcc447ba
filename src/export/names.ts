/**
 * Python names for an exported graph: submodule attributes that follow the IR's layer paths
 * (`smile/fc` → `self.smile.fc`, state_dict key `smile.fc.weight`) and local variables of the
 * generated `forward`. Layer names may hold `.` and `-` and may collide with Python keywords or
 * torch.nn.Module's own attributes (`train`, `eval`, `to`, …); those are adjusted here, and the
 * weight table in model.py records the result, so weights still map one-to-one.
 *
 * @module
 */

/** Python 3 keywords, soft keywords included. */
// deno-fmt-ignore
const KEYWORDS = [
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "case", "class", "continue",
  "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
  "lambda", "match", "nonlocal", "not", "or", "pass", "raise", "return", "try", "type", "while", "with",
  "yield",
];

/**
 * Public attributes of torch.nn.Module (1.13 and later versions): a submodule of that name would be
 * shadowed by the method, since attribute lookup finds the class's method first.
 */
// deno-fmt-ignore
export const MODULE_ATTRIBUTES = [
  "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile",
  "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer",
  "get_extra_state", "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia",
  "named_buffers", "named_children", "named_modules", "named_parameters", "parameters",
  "register_backward_hook", "register_buffer", "register_forward_hook", "register_forward_pre_hook",
  "register_full_backward_hook", "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
  "register_load_state_dict_pre_hook", "register_module", "register_parameter",
  "register_state_dict_post_hook", "register_state_dict_pre_hook", "requires_grad_", "set_extra_state",
  "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu",
  "zero_grad",
];

/** Builtins a local variable should not shadow, and the names model.py itself binds. */
// deno-fmt-ignore
const LOCAL_RESERVED = [
  "F", "nn", "torch", "math", "self", "images", "x", "abs", "all", "any", "bool", "dict", "filter", "float",
  "format", "hash", "id", "input", "int", "iter", "len", "list", "map", "max", "min", "next", "object",
  "open", "pow", "print", "range", "round", "set", "slice", "sorted", "str", "sum", "super", "tuple",
  "vars", "zip", "Conv2dSame", "TaskAttention", "flatten_channels_last", "keras_init_", "max_pool2d_same",
];

/** `conv4.block-1` → `conv4_block_1`: letters, digits and `_`, not starting with a digit. */
export function pythonIdentifier(raw: string): string {
  const id = raw.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(id) ? `_${id}` : id || "_";
}

/** Hands out unique Python names within one namespace, avoiding reserved ones. */
export class NameScope {
  readonly #taken: Set<string>;

  constructor(reserved: Iterable<string>) {
    this.#taken = new Set(reserved);
  }

  /** A fresh name for `raw`: its identifier form, with `_` or `_2`, `_3`, … added when taken. */
  take(raw: string): string {
    const base = pythonIdentifier(raw);
    let name = this.#taken.has(base) ? `${base}_` : base;
    for (let n = 2; this.#taken.has(name); n++) name = `${base}_${n}`;
    this.#taken.add(name);
    return name;
  }
}

/** A scope for submodule attributes (of the model or of a head's namespace). */
export function attributeScope(): NameScope {
  return new NameScope([...KEYWORDS, ...MODULE_ATTRIBUTES]);
}

/** The scope of `forward`'s local variables. */
export function localScope(): NameScope {
  return new NameScope([...KEYWORDS, ...LOCAL_RESERVED]);
}

/** `small_attention_mtl` → `SmallAttentionMtl`. */
export function classNameOf(graphName: string): string {
  const name = graphName.split(/[^A-Za-z0-9]+/).filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1)).join("");
  return /^[A-Za-z]/.test(name) ? name : `Graph${name}`;
}

/**
 * Attribute paths of layers named by the IR: each `/`-separated segment but the last is a namespace
 * submodule (a head: `smile/conv5_block3_1_conv` → `["smile", "conv5_block3_1_conv"]`).
 */
export class ModulePaths {
  /** Namespace path (joined with `.`) → its scope and, per raw segment, the attribute chosen. */
  readonly #scopes = new Map<string, { scope: NameScope; namespaces: Map<string, string> }>();
  /** Namespaces in the order they were created, as attribute paths. */
  readonly namespaces: string[][] = [];

  constructor() {
    this.#scopes.set("", { scope: attributeScope(), namespaces: new Map() });
  }

  /** The attribute path of layer `name`; creates its namespaces on first use. */
  add(name: string): string[] {
    const segments = name.split("/");
    const path: string[] = [];
    for (const segment of segments.slice(0, -1)) {
      const parent = this.#scopes.get(path.join("."))!;
      let attr = parent.namespaces.get(segment);
      if (attr === undefined) {
        attr = parent.scope.take(segment);
        parent.namespaces.set(segment, attr);
        this.namespaces.push([...path, attr]);
        this.#scopes.set([...path, attr].join("."), { scope: attributeScope(), namespaces: new Map() });
      }
      path.push(attr);
    }
    path.push(this.#scopes.get(path.join("."))!.scope.take(segments.at(-1)!));
    return path;
  }
}
