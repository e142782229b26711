const SHELL_ASSETS = [];
