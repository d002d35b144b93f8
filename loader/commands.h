/* loader/commands.h - the crashcap subcommands.  Each gets argv with
 * argv[0] = the subcommand's name and returns the process exit code:
 * 0 done, 1 failed (one line on stderr said why), 2 bad usage. */
#ifndef LOADER_COMMANDS_H
#define LOADER_COMMANDS_H

#define EXIT_USAGE 2

int cmd_status(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_hangrec(int argc, char **argv);
int cmd_hangcap(int argc, char **argv);

/* Delete the hang record below root (loader/load.c): one line on stdout
 * saying what was done; 0, or -1 after one line on stderr. */
int hang_record_clear(const char *root);

/* crashcap status without DEV: the configured target and the last saved
 * dump (loader/config_cmd.c); *dev = the target's device, or NULL. */
int status_config(const char **dev);

/* Print the usage of one command (or of all, for NULL) on stdout. */
void usage_print(const char *command);
/* Option parsing: an option given twice is an error.  Sets bit in *seen,
 * or says "COMMAND: NAME given twice" and returns -1 if it was set. */
int option_once(unsigned *seen, unsigned bit, const char *command, const char *name);

#endif
