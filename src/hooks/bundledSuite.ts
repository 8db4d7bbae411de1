/** The suite bundled into the Lambda artifact, validated again at cold start. */
import bundled from 'smoke-suite';
import { validateSuite } from '../smoke/loadSuite';
import type { Suite } from '../smoke/schema';

export const loadBundledSuite = (): Suite => validateSuite(bundled.document, bundled.source);
