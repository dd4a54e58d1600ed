export { publishPost } from './post-publishing';
export { runCampaign } from './campaign';
export { importPosts } from './post-import';
export { runRecurrence } from './recurrence';
export { reviewLibraryItem } from './library-item';
export { listenQuery } from './listening';
export { conversationWorkflow } from './conversation';
export { collectMetrics } from './metrics';
