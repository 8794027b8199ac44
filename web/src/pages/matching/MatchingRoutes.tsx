import { lazy } from 'react';
import { Route, Routes } from 'react-router-dom';

// Each screen of 精准对接 is its own chunk.
const PostingsPage = lazy(() => import('./PostingsPage'));
const PostingFormPage = lazy(() => import('./PostingFormPage'));
const PostingPage = lazy(() => import('./PostingPage'));
const InterestsPage = lazy(() => import('./InterestsPage'));
const InstrumentsPage = lazy(() => import('./InstrumentsPage'));
const PilotPage = lazy(() => import('./PilotPage'));
const PreferencesPage = lazy(() => import('./PreferencesPage'));
const NotFoundPage = lazy(() => import('../NotFoundPage'));

/** /matching/* — mounted by App.tsx under the shell (whose Suspense shows the spinner). */
export default function MatchingRoutes() {
  return (
    <Routes>
      <Route index element={<PostingsPage />} />
      <Route path="new" element={<PostingFormPage />} />
      <Route path="postings/:id" element={<PostingPage />} />
      <Route path="postings/:id/edit" element={<PostingFormPage />} />
      <Route path="interests" element={<InterestsPage />} />
      <Route path="instruments" element={<InstrumentsPage />} />
      <Route path="pilot" element={<PilotPage />} />
      <Route path="preferences" element={<PreferencesPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
