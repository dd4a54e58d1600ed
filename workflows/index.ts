export { publishPost } from './post-publishing';
export { runCampaign } from './campaign';
