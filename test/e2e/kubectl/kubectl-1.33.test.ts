// The real kubectl 1.33 against a real API server: every scenario in scenarios.ts.
import { kubectlScenarios } from './scenarios.js';

kubectlScenarios('1.33');
