// Placeholder entry point; the runner's commands are being built (see the runner files in this folder).
return 0;
