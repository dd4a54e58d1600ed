/** The CSV import workflow (workflows/post-import.ts). */

export const importWorkflowId = (jobId: string): string => `import/${jobId}`;
