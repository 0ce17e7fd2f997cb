export {
  type Canary,
  createCanary,
  createLeakDetector,
  type Leak,
  type LeakDetector,
  type LeakDetectorOptions,
  type LeakStream,
  SECRET_FRAGMENT,
} from './leak-detector.js';
