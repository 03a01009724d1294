export * from './duration.js';
export * from './manual-clock.js';
export * from './system-clock.js';
export * from './watermark-strategy.js';
