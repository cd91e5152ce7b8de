/** The configuration file a command reads from its working directory (or TRAINCTL_HOME) when present. */
export const CONFIG_FILE_NAME = 'trainctl.config.json';
