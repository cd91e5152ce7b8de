# Optuna's TPESampler (defaults of the installed 5.0) and RandomSampler on the benchmark functions:
# best value after 50 and 100 trials per seed, and ask() latency with 1,000 completed trials.
import json, sys, time, statistics
import optuna
sys.path.insert(0, sys.argv[1])
from functions import FUNCTIONS

optuna.logging.set_verbosity(optuna.logging.ERROR)
cfg = json.loads(sys.stdin.read())
out = {'tpe': {}, 'random': {}, 'params': {}}
for name, fn in FUNCTIONS.items():
    for kind in ('tpe', 'random'):
        rows = []
        params = []
        for seed in range(cfg['seeds']):
            sampler = optuna.samplers.TPESampler(seed=seed) if kind == 'tpe' else optuna.samplers.RandomSampler(seed=seed)
            study = optuna.create_study(sampler=sampler)
            study.optimize(fn, n_trials=cfg['trials'])
            values = [t.value for t in study.trials]
            rows.append([min(values[:50]), min(values[:cfg['trials']])])
            params.append([t.params for t in study.trials])
        out[kind][name] = rows
        if kind == 'tpe':
            out['params'][name] = params

# ask() latency at 1,000 completed trials (2-D Branin space, multivariate TPE).
study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
rnd = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
rnd.optimize(FUNCTIONS['branin'], n_trials=1000)
for t in rnd.trials:
    study.add_trial(t)
times = []
for _ in range(cfg['askReps']):
    t0 = time.perf_counter()
    trial = study.ask()
    FUNCTIONS['branin'](trial)
    times.append((time.perf_counter() - t0) * 1000)
    study.tell(trial, state=optuna.trial.TrialState.FAIL)
out['askMs'] = statistics.median(times)
out['version'] = optuna.__version__
print(json.dumps(out))
