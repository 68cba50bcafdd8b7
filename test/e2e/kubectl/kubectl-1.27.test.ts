// The real kubectl 1.27 against a real API server: every scenario in scenarios.ts.
import { kubectlScenarios } from './scenarios.js';

kubectlScenarios('1.27');
