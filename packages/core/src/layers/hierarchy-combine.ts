/**
 * HierarchyCombine: the class probabilities of a divide-and-conquer classifier from its parts. Its
 * inputs are the coarse model's group probabilities [n, groups] and, for every group of more than
 * one class, that group's expert's probabilities [n, group size]. "product" gives each class
 * P(group) * P(class | group) (a proper distribution); "route" sends each example to its likeliest
 * group and gives that expert's probabilities (zero elsewhere). No weights: the parts are trained
 * on their own and this layer only joins them, so that the whole saves and loads as one model.
 */
import { mul } from "../ops/arithmetic.js";
import { concat, gather } from "../ops/shape.js";
import { onesLike, tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, isShapeList, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString } from "./layer.js";

export interface HierarchyCombineArgs extends LayerArgs {
  /** The classes of each group (indices into the output), every class in exactly one group. */
  groups: number[][];
  mode?: "product" | "route";
}

export class HierarchyCombine extends Layer {
  static override readonly className = "HierarchyCombine";
  readonly groups: number[][];
  readonly mode: "product" | "route";
  readonly classes: number;

  constructor(args: HierarchyCombineArgs) {
    super(args);
    const groups = args?.groups;
    if (!Array.isArray(groups) || groups.length === 0 || groups.some((g) => !Array.isArray(g) || g.length === 0))
      throw new TypeError(`${this.who}: groups must be a non-empty list of non-empty class lists`);
    const all = groups.flat().sort((a, b) => a - b);
    if (all.some((c, i) => c !== i))
      throw new RangeError(`${this.who}: the groups must hold classes 0..${all.length - 1} once each, got ${JSON.stringify(groups)}`);
    if (args.mode !== undefined && args.mode !== "product" && args.mode !== "route")
      throw new RangeError(`${this.who}: mode must be product or route, got '${args.mode}'`);
    this.groups = groups.map((g) => [...g]);
    this.mode = args.mode ?? "product";
    this.classes = all.length;
  }

  /** Groups with an expert (more than one class). */
  private get experts(): number[][] {
    return this.groups.filter((g) => g.length > 1);
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== 1 + this.experts.length)
      throw new RangeError(
        `${this.who}: expects the coarse probabilities and ${this.experts.length} experts' (${1 + this.experts.length} inputs), got ${list.length}`,
      );
    const [coarse, ...experts] = list;
    // every class's probability within its group, columns in group order, then put in class order
    const one = gather(onesLike(coarse), [0], 1);
    let e = 0;
    const local = concat(
      this.groups.map((g) => (g.length > 1 ? experts[e++] : one)),
      1,
    );
    const position = new Array<number>(this.classes);
    const groupOf = new Array<number>(this.classes);
    let column = 0;
    this.groups.forEach((g, gi) => {
      for (const c of g) {
        position[c] = column++;
        groupOf[c] = gi;
      }
    });
    const within = gather(local, position, 1);
    if (this.mode === "product") return mul(gather(coarse, groupOf, 1), within);
    // route: a 0/1 mask of each example's likeliest group (not differentiable: the parts train apart)
    const p = coarse.floats();
    const k = this.groups.length;
    const n = coarse.shape[0];
    const mask = new Float32Array(n * this.classes);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let g = 1; g < k; g++) if (p[i * k + g] > p[i * k + best]) best = g;
      for (const c of this.groups[best]) mask[i * this.classes + c] = 1;
    }
    return mul(within, tensor(mask, [n, this.classes]));
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const sizes = [this.groups.length, ...this.experts.map((g) => g.length)];
    if (shapes.length !== sizes.length || shapes.some((s, i) => s.length !== 2 || (s[1] !== null && s[1] !== sizes[i])))
      throw new RangeError(`${this.who}: expects inputs [batch, ${sizes.join("], [batch, ")}], got ${shapes.map(shapeString).join(", ")}`);
    return [shapes[0][0], this.classes];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), groups: this.groups, mode: this.mode };
  }
}
