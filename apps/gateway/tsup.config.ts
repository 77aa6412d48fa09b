import { defineConfig } from 'tsup';
import { appBuild } from '../../deploy/build/tsup-app.js';

export default defineConfig(appBuild(import.meta.dirname, ['src/main.ts']));
