# The API and the worker for real sites (see docker-compose.yml). Not buildable on the lab machine (no Docker engine).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json schema.graphql ./
COPY cypher ./cypher
COPY bin ./bin
USER node
ENTRYPOINT ["node", "bin/ffo.js"]
CMD ["serve"]
