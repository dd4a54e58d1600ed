export { publishPost } from './post-publishing';
