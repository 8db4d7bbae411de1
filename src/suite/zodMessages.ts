/**
 * zod/mini ships no message locale ("Invalid input" everywhere); load English once, so errors
 * say what was expected and what was found.
 */

import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());
