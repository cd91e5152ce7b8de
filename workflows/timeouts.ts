import { ActivityCancellationType, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from '../lib/util/errors';

/**
 * Activity timeouts, sized to the work. Temporal has no other way to notice a dead worker than a
 * timeout, so every activity heartbeats while it runs (activities/heartbeat.ts, every 2 s) and has
 * a short heartbeat timeout: a killed worker's activity is retried that long after its last beat,
 * whatever the stage. Start-to-close only bounds an attempt that is alive but stuck, so it is
 * sized to the longest honest run of the activity.
 */
// Outside training every activity holds the event loop for under 3 s (measured at load 18–25),
// so 15 s leaves a wide margin on a busy machine; 15 s + the 1 s retry backoff brings a killed
// worker's work back within 20 s (measured 15.8–16.9 s).
export const HEARTBEAT_TIMEOUT = '15s';
/**
 * The monitoring checks run the drift statistics over whole windows in one synchronous step (5–26 s
 * on 40 tickers × 5 y at load average 18–25, measured with gdb on the worker's main thread), so
 * they keep 60 s. trainModel's reference-profile calibration, which used to hold it as long, now
 * gives the event loop back after each feature (lib/drift/calibration.ts) and trains with the
 * common HEARTBEAT_TIMEOUT: a killed worker's training resumes within 20 s like every other stage.
 */
export const MONITOR_HEARTBEAT_TIMEOUT = '60s';

/** Registry transitions, checks, validation lookups: seconds of file I/O under a lock. */
export const REGISTRY_START_TO_CLOSE = '1m';
/** Evidence, registration, three report files and MLflow tracking. */
export const COMPARE_START_TO_CLOSE = '5m';
/** Market data over the network, retried with backoff inside the activity too. */
export const FETCH_START_TO_CLOSE = '15m';
/** Features, training, backtests, drift and performance checks on large universes. */
export const COMPUTE_START_TO_CLOSE = '1h';
/** One search trial, all its folds (also bounded by the trial's own time budget, config trialTimeout). */
export const TRIAL_START_TO_CLOSE = '80m';
/** Each channel has its own HTTP/SMTP timeout inside; three channels in a row. */
export const NOTIFY_START_TO_CLOSE = '1m';
/** The deploy activity waits for serving instances for the deploy timeout, plus this. */
export const DEPLOY_SLACK_MS = 60_000;

const nonRetryableErrorTypes = [...NON_RETRYABLE_ERROR_TYPES];
const backoff: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, nonRetryableErrorTypes };

/** Short I/O: registry writes and reads, new-data checks, search results. */
export const registryOptions: ActivityOptions = {
  startToCloseTimeout: REGISTRY_START_TO_CLOSE,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { ...backoff, maximumAttempts: 5 },
};

/** Compare registers the candidate: a cancelled run waits for it, so it knows what to take out of staging. */
export const compareOptions: ActivityOptions = {
  startToCloseTimeout: COMPARE_START_TO_CLOSE,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { ...backoff, maximumAttempts: 5 },
};

export const fetchOptions: ActivityOptions = {
  startToCloseTimeout: FETCH_START_TO_CLOSE,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { ...backoff, maximumAttempts: 3 },
};

/**
 * Long compute. A cancelled run waits until the activity has stopped (it sees the cancellation in
 * its next heartbeat and stops boosting), so "cancelled" means the worker is free again.
 */
export const computeOptions: ActivityOptions = {
  startToCloseTimeout: COMPUTE_START_TO_CLOSE,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  // Lost workers and starved heartbeats are retried; user errors are non-retryable whatever the count.
  // An alive worker starved of CPU for 15 s looks dead too (seen at load average 30–45 on 2 cores):
  // ten attempts keep a merely busy machine from failing a run.
  retry: { ...backoff, maximumInterval: '30s', maximumAttempts: 10 },
};

/** Training: compute (its drift calibration yields between features, so it heartbeats like the rest). */
export const trainOptions: ActivityOptions = { ...computeOptions };

/** Notifications are retried with backoff; a retry does not resend to a channel that already got it. */
export const notifyOptions: ActivityOptions = {
  startToCloseTimeout: NOTIFY_START_TO_CLOSE,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumAttempts: 6 },
};

/** A search activity within what is left of its trial's time budget (schedule-to-close, retries included). */
function searchOptions(startToCloseTimeout: string, budgetMs: number, retry: RetryPolicy): ActivityOptions {
  return {
    startToCloseTimeout,
    scheduleToCloseTimeout: Math.max(1, Math.round(budgetMs)),
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { ...retry, nonRetryableErrorTypes },
  };
}

/**
 * A search trial: one that keeps failing (or runs out of its time) fails; the search goes on. A
 * retry resumes at the fold after the last one the failed attempt heartbeated.
 */
export function trialOptions(budgetMs: number): ActivityOptions {
  return searchOptions(TRIAL_START_TO_CLOSE, budgetMs, { initialInterval: '1s', maximumAttempts: 3 });
}

/** Monitoring (drift, performance, daily scoring, shadow evidence): compute over data and the prediction log. */
export function monitoringOptions(o: { startToCloseTimeout: string; maximumAttempts: number }): ActivityOptions {
  return {
    startToCloseTimeout: o.startToCloseTimeout,
    heartbeatTimeout: MONITOR_HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '5s', maximumAttempts: o.maximumAttempts, nonRetryableErrorTypes },
  };
}

/** The deploy activity polls the serving instances and may run as long as the deploy timeout. */
export function deployOptions(timeoutMs: number, extraNonRetryable: string[]): ActivityOptions {
  return {
    startToCloseTimeout: timeoutMs + DEPLOY_SLACK_MS,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '2s', maximumAttempts: 3, nonRetryableErrorTypes: [...nonRetryableErrorTypes, ...extraNonRetryable] },
  };
}
