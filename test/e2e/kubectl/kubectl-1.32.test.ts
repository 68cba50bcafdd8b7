// The real kubectl 1.32 (/usr/bin/kubectl, gcloud's dispatcher) against a real API server: every scenario in scenarios.ts.
import { kubectlScenarios } from './scenarios.js';

kubectlScenarios('1.32');
