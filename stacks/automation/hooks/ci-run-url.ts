/**
 * The link to the CI run that is promoting, so a notification leads to the logs in one click.
 * GitHub Actions and Azure Pipelines, the two CI systems shipgate ships examples for.
 */
export function ciRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
        return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
    }
    if (env.SYSTEM_COLLECTIONURI && env.SYSTEM_TEAMPROJECT && env.BUILD_BUILDID) {
        const base = env.SYSTEM_COLLECTIONURI.endsWith("/") ? env.SYSTEM_COLLECTIONURI : `${env.SYSTEM_COLLECTIONURI}/`;
        return `${base}${encodeURIComponent(env.SYSTEM_TEAMPROJECT)}/_build/results?buildId=${encodeURIComponent(env.BUILD_BUILDID)}`;
    }
    return undefined;
}
