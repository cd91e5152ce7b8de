"""The in-process reference of bench/hpo: the same search in one Python process.

Optuna's TPESampler (5.0 defaults: multivariate, constant liar) with MedianPruner(n_startup_trials=5),
Python xgboost on exactly the fold rows trainctl exported (X.f32, y.f32, folds.json), the default
XGBoost search space of lib/xgboost/searchSpace.ts in its order, the objective of the
hyperparameterSearch workflow (mean walk-forward log loss, reported after every fold).
Reads its settings as JSON on stdin and prints one JSON object. With `enqueue` (a list of params,
in trial order) the study runs exactly those trials (study.enqueue_trial), so both sides train
the same models; without it Optuna's sampler chooses. `nthread`: XGBoost threads per trial
(default every core).
"""
import json
import sys
import time

import numpy as np
import optuna
import xgboost as xgb

optuna.logging.set_verbosity(optuna.logging.ERROR)
cfg = json.loads(sys.stdin.read())
d = cfg["dir"]
folds = json.load(open(f"{d}/folds.json"))
X = np.fromfile(f"{d}/X.f32", dtype=np.float32).reshape(-1, cfg["cols"])
y = np.fromfile(f"{d}/y.f32", dtype=np.float32)
EPS = 1e-15


def log_loss(t, p):
    c = np.clip(p.astype(np.float64), EPS, 1 - EPS)
    return float(-np.mean(np.where(t == 1, np.log(c), np.log(1 - c))))


fold_seconds = []


def objective(trial):
    n_estimators = trial.suggest_int("n_estimators", 50, 300)
    # The fixed part (objective, seed, tree method …) is exactly what lib/xgboost's boostingPlan sets.
    params = {
        **cfg["fixedParams"],
        "max_depth": trial.suggest_int("max_depth", 3, 10),
        "eta": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "min_child_weight": trial.suggest_int("min_child_weight", 1, 10),
        "subsample": trial.suggest_float("subsample", 0.6, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.6, 1.0),
    }
    if cfg.get("nthread"):
        params["nthread"] = cfg["nthread"]
    total = 0.0
    for k, f in enumerate(folds):
        t0 = time.perf_counter()
        tr, te = np.asarray(f["train"]), np.asarray(f["test"])
        booster = xgb.train(params, xgb.DMatrix(X[tr], label=y[tr], missing=np.nan), num_boost_round=n_estimators)
        total += log_loss(y[te], booster.predict(xgb.DMatrix(X[te], missing=np.nan)))
        fold_seconds.append(time.perf_counter() - t0)
        trial.report(total / (k + 1), k)
        if k < len(folds) - 1 and trial.should_prune():
            raise optuna.TrialPruned()
    return total / len(folds)


study = optuna.create_study(
    direction="minimize",
    sampler=optuna.samplers.TPESampler(seed=cfg["seed"]),
    pruner=optuna.pruners.MedianPruner(n_startup_trials=5),
)
for params in cfg.get("enqueue") or []:
    study.enqueue_trial(params)
t0 = time.perf_counter()
study.optimize(objective, n_trials=cfg["trials"], n_jobs=cfg["parallel"])
seconds = time.perf_counter() - t0
print(
    json.dumps(
        {
            "seconds": seconds,
            "foldSeconds": sum(fold_seconds),
            "folds": len(fold_seconds),
            "optuna": optuna.__version__,
            "xgboost": xgb.__version__,
            "trials": [
                {"number": t.number, "state": t.state.name, "value": t.value, "params": t.params}
                for t in sorted(study.trials, key=lambda t: t.number)
            ],
        }
    )
)
