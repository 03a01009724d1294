export * from './aggregates.js';
export * from './assigners.js';
export * from './time-window.js';
export * from './trigger.js';
export * from './triggers.js';
export * from './window-assigner.js';
export * from './window-functions.js';
