import type { FlowGraph, RecipeConfig, RecipeExplanation } from '../api';
import { ItemsPage } from '../ItemsPage';
import { useApi } from '../useApi';
import { RecipeForm } from './RecipeForm';

function OpenRecipe({ project, name, flow, onSaved }: { project: string; name: string; flow: FlowGraph; onSaved: () => void }) {
  const { data, error } = useApi<{ recipe: RecipeConfig; explanation: RecipeExplanation }>(
    `/api/recipes/${name}?project=${encodeURIComponent(project)}`,
  );
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p>Loading {name}…</p>;
  return (
    <RecipeForm
      key={name}
      project={project}
      flow={flow}
      existing={data.recipe}
      explained={data.explanation}
      onSaved={onSaved}
    />
  );
}

// The project's recipes; the one named in the address (#/recipes/NAME) opened in its
// form, or a new one (#/recipes/+new).
export function RecipesPage({ project, open }: { project: string; open: string | null }) {
  const { data: flow, error, reload } = useApi<FlowGraph>('/api/flow?project=' + encodeURIComponent(project));
  const saved = (name: string) => {
    reload();
    window.location.hash = '#/recipes/' + name;
  };
  return (
    <ItemsPage
      title="Recipes"
      listId="recipes"
      linkId={(name) => 'recipe-' + name}
      page="recipes"
      items={flow?.recipes.map((r) => ({ name: r.name, detail: r.type }))}
      open={open}
      error={error}
      make={{ id: 'recipe-new', item: '+new', label: 'New recipe…' }}
    >
      {flow && open === '+new' && <RecipeForm key="new" project={project} flow={flow} existing={null} explained={null} onSaved={saved} />}
      {flow && open && open !== '+new' && <OpenRecipe project={project} name={open} flow={flow} onSaved={() => saved(open)} />}
      {!open && <p>Choose a recipe, or make a new one.</p>}
    </ItemsPage>
  );
}
