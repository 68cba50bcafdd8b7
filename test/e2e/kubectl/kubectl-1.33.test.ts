// The real kubectl 1.33 against a real API server: every scenario in scenarios/.
import { kubectlScenarios } from './scenarios/index.js';

kubectlScenarios('1.33');
