// Defines `graphQL(query, variables)`, which returns `data` or throws with Linear's message.
async function _graphql(args, ctx) {
const graphQL = async (query, variables) => {
  const response = await ctx.fetch("https://api.linear.app/graphql", {
    method: "POST",
    headers: {
      "Authorization": ctx.secrets.LINEAR_API_KEY,
      "Content-Type": "application/json"
    },
    body: JSON.stringify({ query, variables })
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`Linear answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  const result = JSON.parse(text);
  if (result.errors?.length) {
    throw new Error(`Linear refused the request: ${result.errors.map((error) => error.message).join("; ").slice(0, 300)}`);
  }
  return result.data;
};
}
