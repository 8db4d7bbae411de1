/**
 * One-sided Fisher's exact test on error counts: is green's error rate above blue's? The pooled
 * z-test's normal approximation is poor when few errors are expected (6 of 360 against 13 of
 * 3,240 gives z's p = 0.0008, the exact p is 0.0084), and a canary's green side is small: a
 * judge that looks every minute would then fail identical sides too often. The exact p-value is
 * the hypergeometric tail: with every error equally likely to have landed on either side, how
 * likely are this many or more on green's.
 */

/** ln Γ(x) for x > 0: Lanczos (g = 7, 9 terms), relative error below 1e-15. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
export const logGamma = (x: number): number => {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0] as number;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
};

const logChoose = (n: number, k: number) => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

/** P(X >= greenErrors) for X ~ Hypergeometric(all requests, all errors, green's requests). */
export const fisherGreater = (
  greenErrors: number,
  greenTotal: number,
  blueErrors: number,
  blueTotal: number,
): number => {
  const total = greenTotal + blueTotal;
  const errors = greenErrors + blueErrors;
  const top = Math.min(errors, greenTotal);
  if (greenErrors > top) return 0;
  // The first term from logarithms, the rest by the ratio of neighbouring terms: no large
  // factorial is ever divided by another.
  let term = Math.exp(
    logChoose(errors, greenErrors) +
      logChoose(total - errors, greenTotal - greenErrors) -
      logChoose(total, greenTotal),
  );
  let sum = 0;
  for (let x = greenErrors; x <= top; x++) {
    sum += term;
    term *= ((errors - x) * (greenTotal - x)) / ((x + 1) * (total - errors - greenTotal + x + 1));
  }
  return Math.min(1, sum);
};
