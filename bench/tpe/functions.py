# The benchmark functions, identical to bench/tpe/functions.ts (keep them in sync).
import math

HART_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HART_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
HART_ALPHA = [1.0, 1.2, 3.0, 3.2]


def branin(t):
    x1 = t.suggest_float('x1', -5, 10); x2 = t.suggest_float('x2', 0, 15)
    return (x2 - 5.1 / (4 * math.pi ** 2) * x1 ** 2 + 5 / math.pi * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


def hartmann6(t):
    x = [t.suggest_float(f'x{i}', 0, 1) for i in range(6)]
    return -sum(HART_ALPHA[i] * math.exp(-sum(HART_A[i][j] * (x[j] - HART_P[i][j] * 1e-4) ** 2 for j in range(6))) for i in range(4))


def rosenbrock5(t):
    x = [t.suggest_float(f'x{i}', -5, 10) for i in range(5)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(4))


def ackley5(t):
    x = [t.suggest_float(f'x{i}', -32.768, 32.768) for i in range(5)]
    n = len(x)
    return -20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / n)) - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / n) + 20 + math.e


def mixed(t):
    lr = t.suggest_float('lr', 1e-5, 1, log=True); depth = t.suggest_int('depth', 1, 10); c = t.suggest_categorical('c', ['a', 'b', 'c'])
    return (math.log10(lr) + 3) ** 2 / 10 + (depth - 7) ** 2 / 100 + (0 if c == 'b' else 0.1)


FUNCTIONS = {'branin': branin, 'hartmann6': hartmann6, 'rosenbrock5': rosenbrock5, 'ackley5': ackley5, 'mixed': mixed}
