export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobTable {
  id: string;
  kind: string;
  organisation_id: string | null;
  payload_json: string;
  /** Clé d'unicité d'une tâche planifiée : deux processus ne la créent jamais deux fois. */
  unique_key: string | null;
  status: JobStatus;
  run_at: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_at: string | null;
  created_at: string;
  finished_at: string | null;
  /** Avancement et résultat d'une tâche longue (JSON), lus par sa page de suivi. */
  progress_json: string | null;
}

export interface JobRunnerLeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}
