import { Logger } from './logger.js';

const EPOCHS = 8;
const STEPS_PER_EPOCH = 600;
/** Steps are spaced so the whole run takes about 20 seconds. */
const STEP_MS = 4;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class DataLoaderError extends Error {
  override name = 'DataLoaderError';
}

/**
 * A simulated training run: epochs of steps with metrics as fields, validation
 * in its own tagged context, warnings, one caught exception with a cause,
 * timed shard reads (two of them slow enough to be flagged), and a Markdown
 * summary at the end.
 * About 20 seconds at a few hundred records per second.
 */
export async function runDemo(options: { epochs?: number; stepMs?: number } = {}): Promise<void> {
  const epochs = options.epochs ?? EPOCHS;
  const stepMs = options.stepMs ?? STEP_MS;
  // The demo exists to show the dashboard, so it serves one even where CI turns the default off,
  // and its few thousand records stay off the terminal, which gets a line per epoch instead.
  const log = new Logger('resnet-training', {
    ...(process.env.PULSELOG_DASHBOARD ? {} : { dashboard: true }),
    ...(process.env.PULSELOG_PRETTY ? {} : { pretty: false }),
  });
  const url = await log.dashboardUrl();
  process.stdout.write(
    url ? `Streaming a simulated training run to the dashboard at ${url}\n` : 'Running a simulated training run.\n',
  );
  log.tag('setup');
  log.info('starting training run', { model: 'resnet-50', epochs, batch_size: 256, lr: 0.1, device: 'cpu' });
  log.debug('dataset loaded', { train: 1_281_167, val: 50_000 });

  let loss = 6.9;
  let accuracy = 0.001;
  const history: { epoch: number; loss: string; accuracy: string }[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    log.divider(`epoch ${epoch}`);
    log.tag('training');
    for (let step = 1; step <= STEPS_PER_EPOCH; step++) {
      loss = Math.max(0.05, loss * 0.9993 + (Math.random() - 0.5) * 0.02);
      accuracy = Math.min(0.99, accuracy + (1 - accuracy) * 0.0009);
      log.debug('batch', { epoch, step, ms: +(stepMs * (0.8 + Math.random() * 0.4)).toFixed(2) });
      if (step % 5 === 0) {
        log.info('step', { epoch, step, loss: +loss.toFixed(4), accuracy: +accuracy.toFixed(4), lr: 0.1 / epoch });
      }
      if (step === 300 && epoch % 3 === 0) {
        log.warning('gradient norm is high; clipping', {
          epoch,
          step,
          grad_norm: +(12 + Math.random() * 5).toFixed(2),
        });
      }
      if (step % 25 === 0) {
        // Reading the next shard is timed as a span; twice in the run the store is slow, and the span says so.
        const slow = (epoch === 2 && step === 250) || (epoch === 6 && step === 400);
        await log.span('fetch shard', () => sleep(stepMs * (slow ? 60 : 2 + Math.random())), { epoch, step });
      }
      if (step === 450 && epoch === 4) {
        try {
          throw new DataLoaderError('shard 17 is corrupt', {
            cause: new Error('checksum mismatch: expected 9f2c, got 41aa'),
          });
        } catch (err) {
          log.exception('skipping a corrupt shard', err, { epoch, step, shard: 17 });
        }
      }
      await sleep(stepMs);
    }
    history.push({ epoch, loss: loss.toFixed(4), accuracy: accuracy.toFixed(4) });
    process.stdout.write(`epoch ${epoch}/${epochs}  loss ${loss.toFixed(4)}  accuracy ${accuracy.toFixed(4)}\n`);
    log.save(
      `epoch-${epoch}`,
      { epoch, loss: +loss.toFixed(4), accuracy: +accuracy.toFixed(4) },
      { status: 'DONE', progress: Math.round((epoch / epochs) * 100), note: epoch === epochs ? 'final' : undefined },
    );
    await log.context('validation', async () => {
      const valLoss = +(loss * (1.05 + Math.random() * 0.1)).toFixed(4);
      log.info('validation done', { epoch, val_loss: valLoss, val_accuracy: +(accuracy * 0.97).toFixed(4) });
      if (valLoss > loss * 1.12)
        log.warning('validation loss is drifting above training loss', { epoch, gap: +(valLoss - loss).toFixed(4) });
    });
  }
  log.tag('summary');
  log.info('training finished', { epochs, final_loss: +loss.toFixed(4), final_accuracy: +accuracy.toFixed(4) });
  log.info(
    [
      '## Run summary',
      '',
      '| epoch | loss | accuracy |',
      '| --- | --- | --- |',
      ...history.map((h) => `| ${h.epoch} | ${h.loss} | ${h.accuracy} |`),
      '',
      `**Final loss ${loss.toFixed(4)}**; see the [ResNet paper](https://arxiv.org/abs/1512.03385).`,
    ].join('\n'),
    { md: true },
  );
  await log.shutdown();
  process.stdout.write(`Done: ${log.stats().logged} records.\n`);
}
