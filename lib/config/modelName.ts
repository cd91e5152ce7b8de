/** Model names become folder names and workflow IDs: lowercase letters, digits and dashes. Pure. */
export const MODEL_NAME_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MODEL_NAME_RULE = '1–63 lowercase letters, digits and dashes, starting with a letter or digit';
