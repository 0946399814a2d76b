"""build/labelled_commands.py: the LABEL=COMMAND arguments shared by build/process-time.py and build/side-by-side.py."""


def parse(parser, specs):
    """[(label, command)] from SPECS ("LABEL=COMMAND" each); a malformed one is a usage error of PARSER naming it."""
    commands = []
    for spec in specs:
        label, sep, command = spec.partition("=")
        if not sep or not label or not command:
            parser.error(f"'{spec}' is not LABEL=COMMAND")
        commands.append((label, command))
    return commands
