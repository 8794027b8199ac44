import { lazy } from 'react';
import { Route, Routes } from 'react-router-dom';

// Each screen of 三张清单 is its own chunk.
const ListsPage = lazy(() => import('./ListsPage'));
const EntryPage = lazy(() => import('./EntryPage'));
const EntryFormPage = lazy(() => import('./EntryFormPage'));
const NotFoundPage = lazy(() => import('../NotFoundPage'));

/** /lists/* — mounted by App.tsx under the shell (whose Suspense shows the spinner). */
export default function ListsRoutes() {
  return (
    <Routes>
      <Route index element={<ListsPage />} />
      <Route path="new" element={<EntryFormPage />} />
      <Route path=":id" element={<EntryPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
