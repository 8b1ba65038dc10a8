/**
 * The workflow types the worker registers, and the entry the workflow bundle is built from:
 * platformLifecycle (the parent, phases 0 to 4), bootstrap and deployStack (its children), and the
 * promotion layer's freightWarehouse and promotion (docs/promotion.md). Code in
 * this folder is replayed, so it must stay deterministic: it may depend on @temporalio/workflow,
 * @temporalio/common, zod, src/spec and src/dag, and on src/activities for types only; it must never
 * do I/O, use Node built-ins, or read time and randomness except through the SDK (eslint.config.js
 * enforces the imports). See docs/architecture.md#workflow-shape.
 */
export { platformLifecycle } from './platformLifecycle.js';
export { deployStack } from './deployStack.js';
export { bootstrap } from './bootstrap.js';
export { promotion } from './promotion.js';
export { freightWarehouse } from './warehouse.js';
