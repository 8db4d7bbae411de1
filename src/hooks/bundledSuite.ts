/** The suite bundled into the Lambda artifact, validated again at cold start. */
import bundled from 'smoke-suite';
import type { Suite } from '../smoke/schema';
import { validateSuite } from '../smoke/validateSuite';

export const loadBundledSuite = (): Suite => validateSuite(bundled.document, bundled.source);
