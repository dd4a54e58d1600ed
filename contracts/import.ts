/** The CSV import workflow (workflows/post-import.ts). */

export const importWorkflowId = (jobId: string): string => `import/${jobId}`;
export const IMPORT_POSTS_WORKFLOW = 'importPosts';
export type ImportPostsWorkflow = (input: { jobId: string; total: number }) => Promise<void>;
