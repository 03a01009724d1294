import type { PlanBuilder } from './plan-builder.js';

/** What streams and sinks share: a handle on one node of the plan, whose id and name can be set. */
export abstract class PlanNodeHandle {
  /** @internal */
  constructor(
    protected readonly plan: PlanBuilder,
    protected nodeId: string,
  ) {}

  /** The node's id: names its state, metrics and errors. */
  get id(): string {
    return this.nodeId;
  }

  /** Sets a stable id (Flink's `uid`); call it right after creating the operator or sink. */
  uid(uid: string): this {
    this.checkRenamable();
    this.plan.setUid(this.nodeId, uid);
    this.nodeId = uid;
    return this;
  }

  /** Sets the display name (progress, metrics). */
  name(name: string): this {
    this.plan.setName(this.nodeId, name);
    return this;
  }

  /** Throws when this handle cannot rename its node. */
  protected checkRenamable(): void {}
}
