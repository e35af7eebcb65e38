// A small training run as an ML user would log it: three epochs of 200 steps
// (tag `train`) with a falling, noisy loss and a cosine learning rate, an
// evaluation every 50 steps (tag `eval`), a divider per epoch, one warning
// and one failed step. It takes about three seconds, then waits until it is
// killed, as a job whose tab stays open would.
import { Logger } from '@pulselog/logger';

const log = new Logger('app-training');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// A fixed sequence, so every run draws the same curve.
let seed = 7;
const noise = () => {
  seed = (seed * 16_807) % 2_147_483_647;
  return seed / 2_147_483_647 - 0.5;
};

const STEPS = 200;
const train = log.child({ run: 'r1' });
for (let epoch = 1; epoch <= 3; epoch++) {
  log.tag(undefined);
  log.divider(`epoch ${epoch}`);
  for (let i = 0; i < STEPS; i++) {
    const step = (epoch - 1) * STEPS + i;
    const lr = 0.0003 * 0.5 * (1 + Math.cos((Math.PI * step) / (3 * STEPS)));
    const loss = 2.5 / Math.sqrt(1 + step / 8) + 0.05 * noise();
    log.tag('train');
    train.info('step', { step, loss, lr, batch_ms: Math.round(40 + 10 * noise()) });
    if (step === 333) train.warning('loss spike, gradient clipped', { step, grad_norm: 18.4 });
    if (step === 421) {
      const err = new Error('CUDA out of memory');
      err.code = 'OOM';
      train.exception('step failed, retried', err, { step });
    }
    if (step % 50 === 49) {
      log.tag('eval');
      log.info('eval', { step, val_loss: loss * 1.15 + 0.02 * noise(), accuracy: Math.min(0.99, 0.5 + step / 1300) });
    }
    if (i % 20 === 19) await sleep(50);
  }
}
log.tag(undefined);
log.info('training done', { steps: 3 * STEPS });
setInterval(() => {}, 1 << 30);
