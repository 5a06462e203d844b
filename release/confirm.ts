import * as readline from "readline";

/**
 * Asks a yes/no question on the terminal. Only "y" or "yes" agrees: Enter, anything else, or the
 * end of input (Ctrl-D) is a no, so a stray key never changes a stack.
 */
export function confirmOnTerminal(question: string): Promise<boolean> {
    return new Promise(resolve => {
        const terminal = readline.createInterface({ input: process.stdin, output: process.stdout });
        let answered = false;
        terminal.on("close", () => {
            if (!answered) {
                process.stdout.write("\n");
                resolve(false);
            }
        });
        terminal.question(question, answer => {
            answered = true;
            terminal.close();
            resolve(isYes(answer));
        });
    });
}

export function isYes(answer: string): boolean {
    return /^\s*y(es)?\s*$/i.test(answer);
}

/**
 * Whether a command that changes the fleet goes ahead: with --yes, or when the operator answers y on
 * a terminal. Otherwise it prints why nothing changed, naming --yes where there is no terminal.
 */
export async function confirmedOrSaid(options: { yes: boolean; question: string; action: string },
    confirm: ((question: string) => Promise<boolean>) | undefined, print: (line: string) => void): Promise<boolean> {
    if (options.yes) return true;
    if (confirm !== undefined && await confirm(options.question)) return true;
    print(confirm === undefined ? `nothing changed: no terminal to ask on; run again with --yes to ${options.action}` : "nothing changed");
    return false;
}
