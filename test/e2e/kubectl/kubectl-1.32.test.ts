// The real kubectl 1.32 (/usr/bin/kubectl, gcloud's dispatcher) against a real API server: every scenario in scenarios/.
import { kubectlScenarios } from './scenarios/index.js';

kubectlScenarios('1.32');
