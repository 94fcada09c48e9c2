// Defines `plainText(html)` and `story(hit)`, the compact form of a search hit.
async function _story_shape(args, ctx) {
const plainText = (html) => html
  .replace(/<p>/g, "\n\n")
  .replace(/<[^>]+>/g, "")
  .replace(/&#x27;/g, "'")
  .replace(/&#x2F;/g, "/")
  .replace(/&quot;/g, "\"")
  .replace(/&gt;/g, ">")
  .replace(/&lt;/g, "<")
  .replace(/&amp;/g, "&")
  .trim();
const story = (hit) => ({
  id: hit.objectID,
  title: hit.title,
  url: hit.url ?? undefined,
  points: hit.points,
  comments: hit.num_comments,
  author: hit.author,
  createdAt: hit.created_at,
  discussion: `https://news.ycombinator.com/item?id=${hit.objectID}`
});
}
