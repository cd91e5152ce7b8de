/** 0 ok · 1 training failed · 2 validation failed · 3 configuration error. */
export const EXIT = { ok: 0, trainingFailed: 1, validationFailed: 2, configError: 3 } as const;
