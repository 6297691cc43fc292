/**
 * A violation message: on which resource, what is wrong, how to fix it. The engine prints the
 * policy's name and the resource's URN next to it; the message names the resource the way a user
 * knows it (a service, a Deployment and its container) and the config key to change.
 */
export function violation(subject: string, problem: string, fix: string): string {
    return `${subject}: ${trimPeriod(problem)}. Fix: ${trimPeriod(fix)}.`;
}

function trimPeriod(text: string): string {
    return text.trim().replace(/\.+$/, "");
}

/** "1 replica", "2 replicas". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
    return `${count} ${count === 1 ? noun : pluralNoun}`;
}
